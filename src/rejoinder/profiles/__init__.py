"""The reader's profile: display name policy, bio, and the ``/me`` view."""
