"""What the gateway and the configuration service tell the web console before it shows a
page: login encryption (off), OAuth (off unless configured), the console's switches and
the engine types (docs/reference/linkis-console.md §8-9)."""

from __future__ import annotations

from urllib.parse import urlencode

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.settings import ConsoleSettings

OAUTH_OFF = "Gateway 未启用 OAuth 认证，请采用其他认证方式!"


class Console:
    def __init__(self, settings: ConsoleSettings) -> None:
        self._settings = settings

    @staticmethod
    def public_key() -> Ok[api.PublicKeyData]:
        """Login encryption and SSL are off, as by default (UserRestful.scala:181-193)."""
        return Ok({"enableSSL": False, "enableLoginEncrypt": False}, "Gain success(获取成功)！")

    def oauth_redirect(self) -> Ok[api.OAuthRedirectData]:
        """The OAuth login link; without OAuth, the gateway's 401
        (OAuth2Authentication.scala:69-98)."""
        settings = self._settings
        if not settings.oauth_url:
            raise LinkisError(OAUTH_OFF, status=-1, method="request")
        query = {"client_id": settings.oauth_client_id, "response_type": "code"}
        if settings.oauth_scope:
            query["scope"] = settings.oauth_scope
        return Ok({"redirectUrl": f"{settings.oauth_url}?{urlencode(query)}"}, "创建链接成功！")

    def base_info(self) -> Ok[api.BaseInfoData]:
        settings = self._settings
        data: api.BaseInfoData = {
            "resultSetExportEnable": settings.result_set_export_enable,
            "linkisClusterName": settings.cluster_name,
            "engineLogOnlyAdminEnable": settings.engine_log_only_admin,
        }
        return Ok(data, "get baseinfo success(获取成功)！")

    def engine_types(self) -> Ok[api.EngineTypeData]:
        return Ok({"engineType": list(self._settings.engine_types)})
