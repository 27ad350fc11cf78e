"""Core services every Kiban system stands on: organisations, people, audit, notifications, attachments."""
