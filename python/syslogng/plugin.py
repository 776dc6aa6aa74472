"""What every Python plugin base class has: ``init(options)`` accepting, ``deinit()`` doing nothing."""


class PluginBase:
    def init(self, options):
        return True

    def deinit(self):
        pass
