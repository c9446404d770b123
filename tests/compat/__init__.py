"""Code written for the official ``mistralai`` SDK, run on this client."""
