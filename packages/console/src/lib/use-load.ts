/** Loads one list or record, reports a refusal with the API's message, and reloads on demand. */
import { App } from 'antd';
import { useCallback, useEffect, useState } from 'react';

export function useLoad<T>(load: () => Promise<T>, initial: T): { data: T; loading: boolean; reload: () => Promise<void> } {
  const { message } = App.useApp();
  const [data, setData] = useState<T>(initial);
  const [loading, setLoading] = useState(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the loader is fixed for the component's life
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setLoading(false);
    }
  }, [message]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, loading, reload };
}

/** Runs a change, reports success or the API's refusal; true when it went through. */
export function useAct() {
  const { message } = App.useApp();
  return useCallback(
    async (run: () => Promise<unknown>, done: string): Promise<boolean> => {
      try {
        await run();
        message.success(done);
        return true;
      } catch (e) {
        message.error((e as Error).message);
        return false;
      }
    },
    [message],
  );
}
