from frontdesk.nlu.contact import extract_emails, extract_phones, extract_postcodes


def values(fn, text, context=None):
    return [(e.value, e.score) for e in fn(text, context or {})]


def test_email_is_lowercased_and_trailing_dot_dropped():
    assert values(extract_emails, "it's Sam.Taylor+shop@Example.co.uk.") == [("sam.taylor+shop@example.co.uk", 1.0)]


def test_spoken_email():
    assert values(extract_emails, "sam dot taylor at example dot com")[0][0] == "sam.taylor@example.com"


def test_phone_numbers_keep_leading_plus_only():
    assert values(extract_phones, "call me on +44 20 7946 0958")[0][0] == "+442079460958"
    assert values(extract_phones, "07700 900123")[0][0] == "07700900123"
    assert values(extract_phones, "(415) 555-2671")[0][0] == "4155552671"


def test_short_numbers_and_prices_are_not_phones():
    assert values(extract_phones, "order 1001") == []
    assert values(extract_phones, "it was 1234.56") == []


def test_uk_postcode_is_normalised():
    assert values(extract_postcodes, "postcode sw1a1aa") == [("SW1A 1AA", 0.95)]
    assert values(extract_postcodes, "M1 1AE") == [("M1 1AE", 0.95)]


def test_zip_needs_a_cue_to_be_sure():
    assert values(extract_postcodes, "my zip is 94107") == [("94107", 0.97)]
    assert values(extract_postcodes, "94107") == [("94107", 0.5)]
    assert values(extract_postcodes, "94107", {"expecting": "email|postcode"}) == [("94107", 0.97)]
    assert values(extract_postcodes, "order 94107") == []
