// Throws while loading: the plugin never says hello.
throw new Error('cannot find my configuration');
