"""The core entity extractors (order numbers, contact details, dates, times, quantities, products)."""

from __future__ import annotations

from typing import Callable

from frontdesk.hookspecs import hookimpl
from frontdesk.nlu.contact import extract_emails, extract_phones, extract_postcodes
from frontdesk.nlu.dates import extract_dates, extract_times
from frontdesk.nlu.orders import extract_order_numbers
from frontdesk.nlu.products import extract_products, extract_variants
from frontdesk.nlu.quantity import extract_quantities
from frontdesk.registry import EntityExtractor

EXTRACTORS = (
    EntityExtractor("order_number", ("order_number",), extract_order_numbers),
    EntityExtractor("email", ("email",), extract_emails),
    EntityExtractor("phone", ("phone",), extract_phones),
    EntityExtractor("postcode", ("postcode",), extract_postcodes),
    EntityExtractor("date", ("date", "invalid_date"), extract_dates),
    EntityExtractor("time", ("time", "daypart"), extract_times),
    EntityExtractor("quantity", ("quantity",), extract_quantities),
    EntityExtractor("product", ("product",), extract_products),
    EntityExtractor("variant", ("size", "colour"), extract_variants),
)


@hookimpl
def register_entity_extractors(register: Callable[[EntityExtractor], None]) -> None:
    for extractor in EXTRACTORS:
        register(extractor)
