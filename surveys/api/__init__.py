"""The surveys' REST API: instruments, waves (open and close), and answering with an invitation token."""
