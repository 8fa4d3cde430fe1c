"""commerce-webhooks: the receiver of Zoom Commerce webhooks. Every request is verified (HMAC-SHA256
over `v0:{timestamp}:{raw body}` with the app's secret token, in constant time, within 5 minutes),
and an event is acknowledged only once it is committed to a SQLite spool (WAL), which the tap's
`webhook_events` stream reads."""
