"""PDF rendering. ``reports.rendering.pdf`` is the only module of the project that imports WeasyPrint."""
