-- The current view: the latest version of each subscription (highest version number, which
-- Zuora also marks latest_version).
{{ first_per_group(ref('stg_zuora__subscription_versions'), 'tenant, subscription_number', 'version desc') }}
