"""Every page of the back office: the admin site and its model pages (the layer under composition)."""
