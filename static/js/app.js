// Guichet: small progressive enhancements; everything works without JavaScript.
