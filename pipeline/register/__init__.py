"""The register of documentation and content: every item's path from submission to post (issue 13)."""
