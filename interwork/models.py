"""Mellomarbeid (work between gatherings): assignments and submissions. Built in the mellomarbeid issue."""
