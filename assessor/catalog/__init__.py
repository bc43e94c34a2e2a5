"""Teams, people, repositories and consumer links imported from a Backstage software catalog."""
