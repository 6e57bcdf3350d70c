// `Pushover`: see README.md § Layout. Implemented by its issue.
