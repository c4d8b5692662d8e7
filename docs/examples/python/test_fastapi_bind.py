from fastapi.testclient import TestClient

from fastapi_bind import app

client = TestClient(app)


def test_a_valid_bind_is_accepted_and_answered_masked():
    r = client.post("/bind", json={"phone": "138 0013 8000", "card": "6222 0212 3456 7890 128"})
    assert r.status_code == 200
    assert r.json() == {"phone": "+8613800138000", "card": "622202*********0128"}


def test_errors_are_bindchecks_codes_and_never_echo_the_card():
    card = "4111111111111112"
    r = client.post("/bind", json={"phone": "0351-38272781", "card": card})
    assert r.status_code == 422
    types = {e["loc"][-1]: e["type"] for e in r.json()["detail"]}
    assert types == {"phone": "phone.invalid", "card": "card.luhn"}
    assert card not in r.text and "38272781" not in r.text
