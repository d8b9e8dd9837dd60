"""Extensions drf-spectacular : la fiche pydantic du catalogue décrite en OpenAPI 3.0.

pydantic produit du JSON Schema 2020-12 (`anyOf` avec `{"type": "null"}`, `const`) qu'OpenAPI 3.0
refuse : on le traduit (`nullable: true`, `enum` à une valeur) et on range les sous-modèles dans
`components/schemas` sous un préfixe `Fiche…` pour éviter toute collision de noms.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import ResolvedComponent
from pydantic.json_schema import model_json_schema


REF_PREFIX = "#/components/schemas/"


def _nom(model: str) -> str:
    return model if model.startswith("Fiche") else f"Fiche{model}"


def openapi_30(node: Any) -> Any:
    """Traduit récursivement un JSON Schema pydantic en schéma OpenAPI 3.0."""
    if isinstance(node, list):
        return [openapi_30(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: openapi_30(v) for k, v in node.items()}
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if "$ref" in node:
        ref = REF_PREFIX + _nom(node["$ref"].removeprefix(REF_PREFIX))
        others = {k: v for k, v in node.items() if k != "$ref"}
        node = {"allOf": [{"$ref": ref}], **others} if others else {"$ref": ref}
    for key in ("anyOf", "oneOf"):
        choices = node.get(key)
        if not choices or not any(c == {"type": "null"} for c in choices):
            continue
        rest = [c for c in choices if c != {"type": "null"}]
        node.pop(key)
        node["nullable"] = True
        if len(rest) == 1 and "$ref" in rest[0]:
            node["allOf"] = rest
        elif len(rest) == 1:
            node = {**rest[0], **node}
        else:
            node[key] = rest
    if isinstance(node.get("discriminator"), dict) and "mapping" in node["discriminator"]:
        node["discriminator"]["mapping"] = {
            k: REF_PREFIX + _nom(v.removeprefix(REF_PREFIX)) for k, v in node["discriminator"]["mapping"].items()
        }
    return node


class FicheExtension(OpenApiSerializerExtension):
    """Le modèle `aap.catalogue.schema.Fiche` (et ses sous-modèles) comme composants OpenAPI 3.0."""

    target_class = "aap.catalogue.schema.Fiche"
    priority = 1

    def get_name(self, auto_schema, direction) -> str:  # noqa: ANN001 - signature de drf-spectacular
        return "Fiche"

    def map_serializer(self, auto_schema, direction) -> dict[str, Any]:  # noqa: ANN001
        schema = model_json_schema(self.target, ref_template=REF_PREFIX + "{model}", mode="serialization")
        for name, sub in schema.pop("$defs", {}).items():
            auto_schema.registry.register_on_missing(
                ResolvedComponent(
                    name=_nom(name), type=ResolvedComponent.SCHEMA, object=f"fiche:{name}", schema=openapi_30(sub)
                )
            )
        return openapi_30(schema)
