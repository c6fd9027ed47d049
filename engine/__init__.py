"""The Guichet engine: dossier definitions from YAML to validated answers.

Knows nothing of Flask or Pony; `web/` and `storage/` build on it.
"""

from .compile import CompiledDefinition
from .errors import DefinitionError, DesignerError, ErrorCode
from .pipeline import Registry, Result, convert, convert_text, load_registry
from .validate import FieldError, SectionStatus, clean, section_status, validate, validate_section

__all__ = [
    "CompiledDefinition", "DefinitionError", "DesignerError", "ErrorCode", "FieldError",
    "Registry", "Result", "SectionStatus", "clean", "convert", "convert_text", "load_registry",
    "section_status", "validate", "validate_section",
]
