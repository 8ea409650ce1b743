"""Helpers shared by test modules (test modules never import from each other)."""
