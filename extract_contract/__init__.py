"""The extract contract (contract.yml) and the door check that holds every delivery to it before a build."""
