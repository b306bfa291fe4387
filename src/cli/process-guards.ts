import type { Logger } from 'pino';

/**
 * The bot process's last line of defence. A promise rejected where nobody awaits it (a library's
 * fire-and-forget closure, as Bolt's HTTP receiver has) would by default end the process, and every
 * running job with it: it is logged at error level and the bot keeps serving, since a rejection leaves
 * no half-run synchronous code behind. An uncaught exception may have left state half-changed, so
 * it is logged as fatal and the process exits with code 70 for its supervisor (systemd, ECS, Docker's
 * restart policy) to restart it; durable jobs then resume at once from the store.
 */
export function installProcessGuards(
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason, component: 'process' }, 'unhandled promise rejection; the bot keeps serving');
  };
  const onException = (error: Error) => {
    logger.fatal(
      { err: error, component: 'process' },
      'uncaught exception; exiting (code 70) so that a supervisor restarts the bot',
    );
    logger.flush();
    exit(70);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
