-- sysbench's own oltp_read_write (the script Debian ships in /usr/share/sysbench), with one change:
-- the run can be ended at a moment the caller chooses, with sysbench's normal final report.
--
-- The cost-to-production benchmark (bench/load/sysbench.ts) measures sysbench over exactly the time
-- an archiver runs, and that time is not known in advance. sysbench 1.0 has no way to end a run
-- early and still report (SIGINT kills it, --time must be known up front), but a script may replace
-- the loop each worker thread runs. This one is sysbench 1.0's own `thread_run` (internal
-- sysbench.lua) plus a check, before each transaction, for the file named by
-- DAS_BENCH_LOAD_STOP_FILE: once it exists every thread leaves its loop, and sysbench prints its
-- histogram and final statistics as at the end of --time. A transaction taken from the rate queue
-- after the file appeared is dropped unstarted, so nothing after the stop is counted.

require("oltp_read_write")

local ffi = require("ffi")
local stop_file = os.getenv("DAS_BENCH_LOAD_STOP_FILE")

if stop_file == nil or stop_file == "" then
   error("DAS_BENCH_LOAD_STOP_FILE is not set")
end

local function stop_requested()
   local file = io.open(stop_file, "r")
   if file then
      file:close()
      return true
   end
   return false
end

function thread_run(thread_id)
   while ffi.C.sb_more_events(thread_id) do
      if stop_requested() then
         break
      end

      ffi.C.sb_event_start(thread_id)

      local success, ret
      repeat
         success, ret = pcall(event, thread_id)

         if not success then
            if type(ret) == "table" and ret.errcode == sysbench.error.RESTART_EVENT then
               -- An error in --mysql-ignore-errors (deadlock, lock wait timeout): counted, retried.
               if sysbench.hooks.before_restart_event then
                  sysbench.hooks.before_restart_event(ret)
               end
            else
               error(ret, 2)
            end
         end
      until success

      -- As in sysbench: an event() that returns a value ends the run.
      if ret then
         break
      end

      ffi.C.sb_event_stop(thread_id)
   end
end
