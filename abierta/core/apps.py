from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "abierta.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from abierta.core.cache import bump_version

        post_save.connect(bump_version, dispatch_uid="abierta.page_cache.save")
        post_delete.connect(bump_version, dispatch_uid="abierta.page_cache.delete")
        m2m_changed.connect(self._m2m, dispatch_uid="abierta.page_cache.m2m")
        from abierta.core import checks  # noqa: F401  (registers the system checks)

    @staticmethod
    def _m2m(sender: object, **kwargs: object) -> None:
        from abierta.core.cache import bump_version

        instance = kwargs.get("instance")
        bump_version(sender=type(instance))
