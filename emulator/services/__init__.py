"""Services the operations use: the store, the clock, id generation."""
