"""Signing in and out (HTML and JSON), the MFA step, password resets and invitations."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from portal.accounts import services, sessions
from portal.accounts.schemas import Accepted, LoginRequest, Me, PasswordResetRequest
from portal.errors import Invalid, TooManyAttempts
from portal.policy import Action, guard
from portal.settings import get_settings
from portal.web import (
    client_ip,
    current_principal,
    optional_principal,
    redirect,
    render,
    safe_next,
    user_agent,
)


def session_cookie(token: FromPath[str]) -> Cookie:
    # No Max-Age: the cookie ends with the browser; the server enforces the 30-minute idle and 12-hour limits.
    return Cookie(
        key=sessions.COOKIE_NAME,
        value=token,
        path="/",
        httponly=True,
        secure=get_settings().https,
        samesite="lax",
    )


def cleared_session_cookie() -> Cookie:
    return Cookie(key=sessions.COOKIE_NAME, value="", path="/", max_age=0, expires=0, httponly=True)


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {key: str(value) for key, value in form.items() if isinstance(value, str) and key != "_csrf_token"}


class SignInController(Controller):
    path = "/"
    include_in_schema = False

    @get("/login")
    async def login_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None
    ) -> Template | Redirect:
        principal = optional_principal(request)
        if principal is not None and not principal.mfa_pending:
            return redirect(safe_next(next))
        return render(request, "accounts/login.html", next=safe_next(next))

    @post("/login", status_code=HTTP_200_OK)
    async def login(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _form(request)
        next_path = safe_next(form.get("next"))
        try:
            result = await services.sign_in(
                form.get("email", ""),
                form.get("password", ""),
                ip=client_ip(request),
                user_agent=user_agent(request),
                previous_token=request.cookies.get(sessions.COOKIE_NAME),
            )
        except services.InvalidCredentials as exc:
            return render(request, "accounts/login.html", status_code=400, error=exc.message, form=form, next=next_path)
        except TooManyAttempts as exc:
            return render(request, "accounts/login.html", status_code=429, error=exc.message, form=form, next=next_path)
        target = f"/login/mfa?next={next_path}" if result.mfa_pending else next_path
        response = redirect(target)
        response.cookies.append(session_cookie(result.token))
        return response

    @get("/login/mfa")
    async def mfa_page(
        self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None
    ) -> Template | Redirect:
        principal = optional_principal(request)
        if principal is None:
            return redirect("/login")
        if not principal.mfa_pending:
            return redirect(safe_next(next))
        return render(request, "accounts/mfa_challenge.html", next=safe_next(next))

    @post("/login/mfa", status_code=HTTP_200_OK)
    async def mfa_submit(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _form(request)
        next_path = safe_next(form.get("next"))
        token = request.cookies.get(sessions.COOKIE_NAME)
        if optional_principal(request) is None or token is None:
            return redirect("/login", flash="Your sign-in expired. Please sign in again.", kind="error")
        try:
            new_token = await services.complete_mfa_sign_in(
                token, form.get("code", ""), ip=client_ip(request), user_agent=user_agent(request)
            )
        except Invalid as exc:
            return render(
                request,
                "accounts/mfa_challenge.html",
                status_code=400,
                errors=exc.field_errors,
                next=next_path,
            )
        except TooManyAttempts as exc:
            return render(request, "accounts/mfa_challenge.html", status_code=429, error=exc.message, next=next_path)
        except services.InvalidCredentials as exc:
            return redirect("/login", flash=exc.message, kind="error")
        response = redirect(next_path)
        response.cookies.append(session_cookie(new_token))
        return response

    @post("/logout", status_code=HTTP_200_OK)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        await services.sign_out(optional_principal(request), request.cookies.get(sessions.COOKIE_NAME))
        response = redirect("/login", flash="You have signed out.")
        response.cookies.append(cleared_session_cookie())
        return response

    @get("/password/forgot")
    async def forgot_page(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "accounts/password_forgot.html")

    @post("/password/forgot", status_code=HTTP_200_OK)
    async def forgot_submit(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await _form(request)
        try:
            await services.request_password_reset(
                form.get("email", ""), ip=client_ip(request), user_agent=user_agent(request)
            )
        except TooManyAttempts as exc:
            return render(request, "accounts/password_forgot.html", status_code=429, error=exc.message, form=form)
        return redirect(
            "/login",
            flash="If that address has an account, we have e-mailed it a link to choose a new password.",
        )

    @get("/password/reset/{token:str}")
    async def reset_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        valid = await services.reset_link_is_valid(token)
        return render(request, "accounts/password_reset.html", token=token, valid=valid)

    @post("/password/reset/{token:str}", status_code=HTTP_200_OK)
    async def reset_submit(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template | Redirect:
        form = await _form(request)
        if form.get("password", "") != form.get("password_confirm", ""):
            return render(
                request,
                "accounts/password_reset.html",
                status_code=400,
                token=token,
                valid=True,
                errors={"password_confirm": "The two passwords do not match."},
            )
        try:
            await services.reset_password(
                token, form.get("password", ""), ip=client_ip(request), user_agent=user_agent(request)
            )
        except Invalid as exc:
            valid = await services.reset_link_is_valid(token)
            return render(
                request,
                "accounts/password_reset.html",
                status_code=400,
                token=token,
                valid=valid,
                errors=exc.field_errors,
                error=None if exc.field_errors else exc.message,
            )
        return redirect("/login", flash="Your password has been changed. Please sign in.")

    @get("/invitations/{token:str}")
    async def invitation_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template:
        valid = await services.invitation_is_valid(token)
        return render(request, "accounts/invitation.html", token=token, valid=valid)

    @post("/invitations/{token:str}", status_code=HTTP_200_OK)
    async def invitation_submit(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Template | Redirect:
        form = await _form(request)
        if form.get("password", "") != form.get("password_confirm", ""):
            return render(
                request,
                "accounts/invitation.html",
                status_code=400,
                token=token,
                valid=True,
                errors={"password_confirm": "The two passwords do not match."},
            )
        try:
            await services.accept_invitation(
                token, form.get("password", ""), ip=client_ip(request), user_agent=user_agent(request)
            )
        except Invalid as exc:
            valid = await services.invitation_is_valid(token)
            return render(
                request,
                "accounts/invitation.html",
                status_code=400,
                token=token,
                valid=valid,
                errors=exc.field_errors,
                error=None if exc.field_errors else exc.message,
            )
        return redirect("/login", flash="Your password is set. Sign in to continue.")


def _me(request: Request[Any, Any, Any]) -> Me:
    principal = current_principal(request)
    assert principal.user_id is not None and principal.role is not None
    return Me(
        id=principal.user_id,
        email=principal.email,
        name=principal.name,
        role=principal.role.value,
        mfa_enabled=principal.mfa_enabled,
        mfa_enrollment_required=principal.mfa_enrollment_required,
    )


class AuthApiController(Controller):
    path = "/api/v1"
    tags = ["auth"]

    @post("/auth/login", status_code=HTTP_200_OK)
    async def api_login(self, request: Request[Any, Any, Any], data: JSONBody[LoginRequest]) -> Response[Me]:
        """Sign in; sets the session cookie. With MFA on, send the 6-digit code (or a recovery code) as `totp`."""
        result = await services.sign_in(
            data.email,
            data.password,
            ip=client_ip(request),
            user_agent=user_agent(request),
            previous_token=request.cookies.get(sessions.COOKIE_NAME),
            second_factor=data.totp,
            second_factor_in_same_request=True,
        )
        user = await services.get_user(result.user_id)
        me = Me(
            id=user["id"],
            email=user["email"],
            name=user["name"],
            role=user["role"],
            mfa_enabled=user["mfa_enabled"],
            mfa_enrollment_required=await services.mfa_enrollment_required(user),
        )
        return Response(me, cookies=[session_cookie(result.token)])

    @post("/auth/logout", status_code=HTTP_204_NO_CONTENT, response_cookies=[cleared_session_cookie()])
    async def api_logout(self, request: Request[Any, Any, Any]) -> None:
        """Sign out: the session ends on the server at once."""
        await services.sign_out(optional_principal(request), request.cookies.get(sessions.COOKIE_NAME))

    @post("/auth/password-reset", status_code=HTTP_202_ACCEPTED)
    async def api_password_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[PasswordResetRequest]
    ) -> Accepted:
        """Ask for a reset link. The answer is the same whether or not the address has an account."""
        await services.request_password_reset(data.email, ip=client_ip(request), user_agent=user_agent(request))
        return Accepted(detail="If that address has an account, a reset link has been e-mailed to it.")

    @get("/me", guards=[guard(Action.ACCOUNT_SELF, allow_mfa_enrollment=True)])
    async def me(self, request: Request[Any, Any, Any]) -> Me:
        """The signed-in person."""
        return _me(request)
