"""Talking to a vendor's API: OAuth tokens, pacing under rate limits, paginators, listings,
bounded concurrency for detail requests, time slices, and what an unreachable host means."""
