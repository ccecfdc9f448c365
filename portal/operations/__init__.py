"""Operations: backup and restore, retention, emergency access, the client's right of access."""
