"""The Guichet engine: dossier definitions from YAML to validated answers.

It exists so that everything a dossier type means (questions, conditions,
rules, workflow, recap) is decided in one place, from the designer's YAML,
and the pages, the PDF and the storage layer agree by asking it. Knows nothing
of Flask or Pony; `web/` and `storage/` build on it. Stages: load, check,
build, compile (chained by `pipeline.convert`), then validate, workflow, recap.
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
