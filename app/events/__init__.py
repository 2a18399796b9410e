"""Events and their shifts, and the people who sign up for them."""
