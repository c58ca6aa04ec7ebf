"""Samlinger (gatherings): scheduling, registration, attendance. Built in the samlinger issue."""
