/**
 * crewstream's server side runs on Node (SQLite, child processes for Python crews): the server
 * build loads `crewstream` and `crewstream/server` with Node's own `import` instead of bundling
 * them, whether the package is installed in node_modules or linked (`"file:../.."`).
 * `crewstream/react` and `crewstream/client` stay bundled, so that they share the app's React.
 *
 * @type {import('next').NextConfig}
 */
const SERVER_ONLY = new Set(["crewstream", "crewstream/server"]);

const nextConfig = {
  eslint: { ignoreDuringBuilds: true },
  webpack(config, { isServer }) {
    if (isServer) {
      config.externals.push(({ request }, callback) =>
        SERVER_ONLY.has(request) ? callback(undefined, `import ${request}`) : callback(),
      );
    }
    return config;
  },
};

export default nextConfig;
