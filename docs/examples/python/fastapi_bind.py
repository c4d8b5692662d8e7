"""A FastAPI endpoint whose pydantic model checks a bind form with bindcheck.

Each field is an ``Annotated`` type with an ``AfterValidator``: a bindcheck error becomes a
422 whose detail has bindcheck's code and message. FastAPI's default 422 body repeats what
was submitted (``"input"``); the handler below leaves it out, so a card number never comes
back in an error.
"""

from typing import Annotated

import bindcheck
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel
from pydantic_core import PydanticCustomError


def checked(kind, **options):
    def validator(value: str) -> str:
        answer = getattr(bindcheck, f"validate_{kind}")(value, unmasked=True, **options)
        for f in answer["findings"]:
            if f["severity"] == "error":
                raise PydanticCustomError(f["code"], f["message"])
        return answer["normalized"]

    return AfterValidator(validator)


Phone = Annotated[str, checked("phone")]
Card = Annotated[str, checked("card", allowed_brands=["unionpay", "visa", "mastercard"])]


class Bind(BaseModel):
    phone: Phone
    card: Card


app = FastAPI()


@app.exception_handler(RequestValidationError)
async def without_inputs(request: Request, exc: RequestValidationError):
    errors = [{"loc": e["loc"], "type": e["type"], "msg": e["msg"]} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


@app.post("/bind")
def bind(form: Bind):
    # A real handler binds the card; the answer shows the masked card only.
    return {"phone": form.phone, "card": bindcheck.validate_card(form.card)["normalized"]}
