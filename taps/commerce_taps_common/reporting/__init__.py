"""What a run tells its operator: progress lines, the run summary and its history page, the
SDK's log hooks, and the redaction that keeps secrets out of every log line."""
