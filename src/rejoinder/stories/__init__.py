"""Stories (articles) that carry a conversation: created by the publisher or lazily."""
