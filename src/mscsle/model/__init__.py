"""The model: the claim's fields, the controlled vocabularies and the one prefix map that every stage shares."""
