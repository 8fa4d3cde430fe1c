"""What every plugin of the project, taps and loaders alike, tells singer-sdk about itself."""

from __future__ import annotations

from importlib import metadata

#: The repository's development install, which ships every plugin in one distribution.
DEVELOPMENT_DISTRIBUTION = "commerce-taps"


def installed_distribution(plugin: str) -> str:
    """`plugin`'s own distribution when it is installed alone (packages/), else the development
    install: the `package_name` from which `--about` reads the version."""
    try:
        metadata.distribution(plugin)
    except metadata.PackageNotFoundError:
        return DEVELOPMENT_DISTRIBUTION
    return plugin
