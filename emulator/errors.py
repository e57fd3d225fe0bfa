"""Cognito's errors: the exception an operation raises is the `__type` the client sees.

    raise errors.ResourceNotFoundException("User pool us-east-1_x does not exist.")

Every layer may raise them (a trigger's failure is a Cognito error too), so they live here, below all three.
"""


class CognitoError(Exception):
    code = "InternalErrorException"
    status = 400
    # Real Cognito sends "message"; its serialization layer sends "Message". Clients read either.
    message_key = "message"

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    def body(self) -> dict:
        return {"__type": self.code, self.message_key: self.message}


def _error(code: str, status: int = 400, message_key: str = "message") -> type[CognitoError]:
    return type(code, (CognitoError,), {"code": code, "status": status, "message_key": message_key})


# Modeled Cognito exceptions the emulator raises.
InternalErrorException = _error("InternalErrorException", 500)
InvalidParameterException = _error("InvalidParameterException")
ResourceNotFoundException = _error("ResourceNotFoundException")
NotAuthorizedException = _error("NotAuthorizedException")
UnsupportedOperationException = _error("UnsupportedOperationException")
LimitExceededException = _error("LimitExceededException")
TooManyRequestsException = _error("TooManyRequestsException")
UserNotFoundException = _error("UserNotFoundException")
UsernameExistsException = _error("UsernameExistsException")
AliasExistsException = _error("AliasExistsException")
UserNotConfirmedException = _error("UserNotConfirmedException")
InvalidPasswordException = _error("InvalidPasswordException")
CodeMismatchException = _error("CodeMismatchException")
ExpiredCodeException = _error("ExpiredCodeException")
UserLambdaValidationException = _error("UserLambdaValidationException")
InvalidLambdaResponseException = _error("InvalidLambdaResponseException")
UnexpectedLambdaException = _error("UnexpectedLambdaException")
UnsupportedUserStateException = _error("UnsupportedUserStateException")
UnauthorizedException = _error("UnauthorizedException")
GroupExistsException = _error("GroupExistsException")
PasswordResetRequiredException = _error("PasswordResetRequiredException")
PasswordHistoryPolicyViolationException = _error("PasswordHistoryPolicyViolationException")
FeatureUnavailableInTierException = _error("FeatureUnavailableInTierException")
TierChangeNotAllowedException = _error("TierChangeNotAllowedException")
SoftwareTokenMFANotFoundException = _error("SoftwareTokenMFANotFoundException")
EnableSoftwareTokenMFAException = _error("EnableSoftwareTokenMFAException")
InvalidOAuthFlowException = _error("InvalidOAuthFlowException")
WebAuthnNotEnabledException = _error("WebAuthnNotEnabledException")
WebAuthnConfigurationMissingException = _error("WebAuthnConfigurationMissingException")
WebAuthnChallengeNotFoundException = _error("WebAuthnChallengeNotFoundException")
WebAuthnRelyingPartyMismatchException = _error("WebAuthnRelyingPartyMismatchException")
WebAuthnOriginNotAllowedException = _error("WebAuthnOriginNotAllowedException")
WebAuthnClientMismatchException = _error("WebAuthnClientMismatchException")
WebAuthnCredentialNotSupportedException = _error("WebAuthnCredentialNotSupportedException")
ScopeDoesNotExistException = _error("ScopeDoesNotExistException")

# Errors from the protocol layer in front of every AWS JSON service (not in Cognito's model).
SerializationException = _error("SerializationException", message_key="Message")
UnknownOperationException = _error("UnknownOperationException")
RequestEntityTooLargeException = _error("RequestEntityTooLargeException", 413)


class OAuthError(Exception):
    """An error of the OAuth 2.0 endpoints (/oauth2/*), which answer `{"error": "<code>"}` rather than Cognito's
    JSON errors (docs/cognito-behaviour.md §16.5)."""

    def __init__(self, error: str, status: int = 400, description: str = ""):
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.status = status
        self.description = description
