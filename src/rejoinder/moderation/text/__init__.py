"""Text analysis for moderation: pure functions and data, no database, no HTTP.

* :mod:`.normalize` folds comment text for matching (case, accents, leetspeak,
  spaced-out letters), keeping the original spans;
* :mod:`.wordlist` matches word lists in one pass (Aho-Corasick), on word
  boundaries in spaced scripts and as substrings in Japanese and Chinese;
* :mod:`.threats` finds threat phrases with the same machinery;
* :mod:`.toxicity` holds the scorer contract and the embedded English model.

See docs/moderation-evaluation.md for what these checks catch and what they miss.
"""
