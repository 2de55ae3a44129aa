"""The reader widget: the embed loader, the Shadow DOM widget and its message catalogues."""
