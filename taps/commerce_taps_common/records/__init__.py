"""What a record is: the per-stream schemas, and the shaping and normalising that make every
value fit its column."""
