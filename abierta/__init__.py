"""Abierta: an open government platform for cities."""
