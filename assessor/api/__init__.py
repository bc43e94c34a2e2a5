"""The versioned REST API under /api/v1/."""
