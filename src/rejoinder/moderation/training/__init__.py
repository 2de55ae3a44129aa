"""Building the toxicity model: the labelled corpus we wrote, its generator, and the trainer.

Nothing here is imported at run time; ``make model`` runs it (see ``data/moderation/README.md``).
"""
