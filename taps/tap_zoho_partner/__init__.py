"""tap-zoho-partner: the Zoho Store Partner API as a Singer tap."""
