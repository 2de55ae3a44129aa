"""Moderation: the pipeline of small phases, offline text analysis, and the moderator's desk."""
