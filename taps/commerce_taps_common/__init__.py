"""Mechanisms shared by every commerce-taps tap: auth flows, rate limiting, retries, date windows,
pagination helpers, config errors and schema lookup. Vendor quirks do not belong here."""
