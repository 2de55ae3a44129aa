"""The subscriber account page: profile, my comments, notification preferences, privacy."""
