"""Who may do what: local users with slow salted password hashes, roles, and the
checks made where each action happens."""
