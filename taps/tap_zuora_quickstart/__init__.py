"""tap-zuora-quickstart: Singer tap for Zuora's Quickstart API (v2)."""
