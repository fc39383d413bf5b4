"""The published OpenAPI document: FastAPI's, post-processed to say exactly what the API does."""
