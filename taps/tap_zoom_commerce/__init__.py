"""tap-zoom-commerce: the Zoom Commerce API as a Singer tap."""
