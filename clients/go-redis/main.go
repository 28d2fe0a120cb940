// The acknowledged-write probe (clients/README.md) with go-redis v9: redis.NewFailoverClient in MODE=sentinel,
// redis.NewClient on a parsed REDIS_URL in MODE=url.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	readyAfterAcks = 50
	maxErrors      = 20
)

type errorEntry struct {
	AtMs    int64  `json:"atMs"`
	N       int64  `json:"n"`
	Message string `json:"message"`
}

type result struct {
	Client    string       `json:"client"`
	Mode      string       `json:"mode"`
	StartedAt int64        `json:"startedAt"`
	Attempts  int64        `json:"attempts"`
	Failed    int64        `json:"failed"`
	Errors    []errorEntry `json:"errors"`
	Acks      [][3]int64   `json:"acks"`
}

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "%s is not set\n", name)
		os.Exit(2)
	}
	return v
}

// Timeouts shared by both modes. DialTimeout 1 s: a dead master's address must not hold a reconnect for long.
// Read/WriteTimeout 2 s: above WAIT's 1 s, so only a frozen server times a command out. MaxRetries 1 with short
// backoffs: go-redis retries a command once on a network error or READONLY (after dropping that connection and
// dialling the master Sentinel names now), so a write lands on the new master soon after the switch.
const (
	dialTimeout     = 1 * time.Second
	ioTimeout       = 2 * time.Second
	maxRetries      = 1
	minRetryBackoff = 50 * time.Millisecond
	maxRetryBackoff = 200 * time.Millisecond
	// PoolTimeout: one writer, so a pool wait longer than a command means something is stuck.
	poolTimeout = 3 * time.Second
)

// tlsConfig trusts only the CA in TLS_CA_FILE (the connection Secret's ca.crt); nil without it (plaintext). The server
// name to verify comes from each address dialled: the sentinels', and the master's hostname Sentinel announces.
func tlsConfig() *tls.Config {
	file := os.Getenv("TLS_CA_FILE")
	if file == "" {
		return nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(os.Stderr, "TLS_CA_FILE: %v\n", err)
		os.Exit(2)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fmt.Fprintf(os.Stderr, "TLS_CA_FILE %s holds no PEM certificate\n", file)
		os.Exit(2)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

func newClient(mode string) *redis.Client {
	password := os.Getenv("PASSWORD")
	// The user the password opens on the data nodes (the connection Secret's username); sentinels open it to default.
	username := os.Getenv("REDIS_USERNAME")
	if username == "" {
		username = "default"
	}
	switch mode {
	case "sentinel":
		return redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName:       env("MASTER_SET"),
			SentinelAddrs:    strings.Split(env("SENTINELS"), ","),
			SentinelUsername: "default",
			SentinelPassword: password,
			Username:         username,
			Password:         password,
			DialTimeout:      dialTimeout,
			ReadTimeout:      ioTimeout,
			WriteTimeout:     ioTimeout,
			MaxRetries:       maxRetries,
			MinRetryBackoff:  minRetryBackoff,
			MaxRetryBackoff:  maxRetryBackoff,
			PoolTimeout:      poolTimeout,
			// Used for the sentinels and the data nodes alike.
			TLSConfig: tlsConfig(),
		})
	case "url":
		opt, err := redis.ParseURL(env("REDIS_URL"))
		if err != nil {
			fmt.Fprintf(os.Stderr, "REDIS_URL: %v\n", err)
			os.Exit(2)
		}
		if password != "" && opt.Password == "" {
			opt.Username, opt.Password = username, password
		}
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = dialTimeout, ioTimeout, ioTimeout
		opt.MaxRetries, opt.MinRetryBackoff, opt.MaxRetryBackoff = maxRetries, minRetryBackoff, maxRetryBackoff
		opt.PoolTimeout = poolTimeout
		if c := tlsConfig(); c != nil {
			if opt.TLSConfig == nil {
				fmt.Fprintln(os.Stderr, "TLS_CA_FILE is set but REDIS_URL is not rediss://")
				os.Exit(2)
			}
			// ParseURL set the server name from the URL's host.
			opt.TLSConfig.RootCAs, opt.TLSConfig.MinVersion = c.RootCAs, c.MinVersion
		}
		return redis.NewClient(opt)
	}
	fmt.Fprintf(os.Stderr, "MODE must be sentinel or url, not %q\n", mode)
	os.Exit(2)
	return nil
}

func main() {
	mode := env("MODE")
	prefix := env("PREFIX")
	durationMs, err := strconv.ParseInt(env("DURATION_MS"), 10, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "DURATION_MS: %v\n", err)
		os.Exit(2)
	}
	client := newClient(mode)
	defer client.Close()

	started := time.Now()
	since := func() int64 { return time.Since(started).Milliseconds() }
	res := result{Client: "go-redis", Mode: mode, StartedAt: started.UnixMilli(), Errors: []errorEntry{}, Acks: [][3]int64{}}
	fail := func(n int64, message string) {
		res.Failed++
		if len(res.Errors) < maxErrors {
			res.Errors = append(res.Errors, errorEntry{AtMs: since(), N: n, Message: message})
		}
	}
	ctx := context.Background()
	for n := int64(1); since() < durationMs; n++ {
		res.Attempts++
		sentAt := since()
		if err := client.Set(ctx, fmt.Sprintf("%s:%d", prefix, n), n, 0).Err(); err != nil {
			fail(n, err.Error())
			time.Sleep(50 * time.Millisecond)
			continue
		}
		replicas, err := client.Wait(ctx, 1, time.Second).Result()
		if err != nil {
			fail(n, err.Error())
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if replicas < 1 {
			fail(n, fmt.Sprintf("WAIT reached %d replicas", replicas))
			continue
		}
		res.Acks = append(res.Acks, [3]int64{n, sentAt, since()})
		if len(res.Acks) == readyAfterAcks {
			fmt.Println("READY")
		}
	}
	line, _ := json.Marshal(res)
	fmt.Printf("RESULT %s\n", line)
}
